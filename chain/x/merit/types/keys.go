package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the module's name, store key and module-account name.
	ModuleName = "merit"
	// StoreKey is the module's KV store key.
	StoreKey = ModuleName
)

// Store prefixes (collections). The numbers are part of the state layout.
var (
	ParamsKey        = collections.NewPrefix(0)
	NextModelIDKey   = collections.NewPrefix(1)
	ModelsKey        = collections.NewPrefix(2) // model id → ModelInfo (without its states)
	ModelStatesKey   = collections.NewPrefix(3) // model id → the model's canonical encoding
	MechStatesKey    = collections.NewPrefix(4) // model id → the mechanism's canonical encoding
	ContributionsKey = collections.NewPrefix(5) // (model id, contribution id) → Contribution
	StatsKey         = collections.NewPrefix(6) // (model id, address bytes) → ContributorStats

	NextMarketIDKey       = collections.NewPrefix(7)  // the next market id
	MarketsKey            = collections.NewPrefix(8)  // market id → Market (without its blobs)
	MarketInitialKey      = collections.NewPrefix(9)  // market id → the initial model's encoding
	MarketStatesKey       = collections.NewPrefix(10) // market id → the engine's market state
	MarketProgressKey     = collections.NewPrefix(11) // market id → the current pass's RewardProgress
	MarketPortionsKey     = collections.NewPrefix(12) // (market id, portion index) → revealed portion
	MarketContributionKey = collections.NewPrefix(13) // (market id, contribution id) → MarketContribution
	RewardQueueKey        = collections.NewPrefix(14) // market ids whose reward passes are due
)

// Mechanism names.
const (
	MechanismDRT    = "drt"
	MechanismPoints = "points"
)

// Points contribution statuses.
const (
	StatusOpen     = "open"
	StatusRefunded = "refunded"
	StatusReported = "reported"
)
