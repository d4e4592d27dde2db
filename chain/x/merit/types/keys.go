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
