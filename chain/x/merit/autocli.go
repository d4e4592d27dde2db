package merit

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions describes the module's CLI: `meritd tx merit …` and `meritd query
// merit …`, generated from the Msg and Query services.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "merit.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "The module's parameters"},
				{RpcMethod: "Model", Use: "model [model-id]", Short: "A model: configuration, mechanism, states and totals",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}}},
				{RpcMethod: "Predict", Use: "predict [model-id] [features]", Short: "The model's prediction of one sample (runs the engine)",
					Example:        "meritd query merit predict 0 120,-40,7",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}, {ProtoField: "features"}}},
				{RpcMethod: "RequiredDeposit", Use: "required-deposit [model-id]", Short: "The deposit a contribution needs now (DRT; asks the engine)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}}},
				{RpcMethod: "Contribution", Use: "contribution [model-id] [contribution-id]", Short: "One contribution",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}, {ProtoField: "contribution_id"}}},
				{RpcMethod: "Contributions", Use: "contributions [model-id]", Short: "A model's contributions (paginated)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}}},
				{RpcMethod: "ContributorStats", Use: "stats [model-id] [address]", Short: "An address's validated count and totals on a model",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}, {ProtoField: "address"}}},
				{RpcMethod: "Market", Use: "market [market-id]", Short: "A prediction market: its record, phase, pool, passes and reward progress",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "MarketContribution", Use: "market-contribution [market-id] [contribution-id]", Short: "One market contribution and its balance",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "contribution_id"}}},
				{RpcMethod: "MarketContributions", Use: "market-contributions [market-id]", Short: "A market's contributions and balances (paginated)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "merit.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // governance only
				{RpcMethod: "CreateModel", Use: "create-model [family] [dims] [classes] [bound] [mechanism]",
					Short:   "Create a model (family: perceptron, naive-bayes, centroid, sparse-centroid, knn) with a mechanism (drt or points)",
					Example: "meritd tx merit create-model perceptron 2 2 1000 drt --cost-weight 1 --refund-wait 10 --owner-wait 20 --any-address-wait 30 --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "family"}, {ProtoField: "dims"}, {ProtoField: "classes"}, {ProtoField: "bound"}, {ProtoField: "mechanism"},
					}},
				{RpcMethod: "AddData", Use: "add-data [model-id] [label] [features]",
					Short:   "Contribute one labelled sample: dense features (comma-separated), or --row (DRT: with --deposit, in base units of the model's deposit denom)",
					Example: "meritd tx merit add-data 0 1 120,-40 --deposit 3600 --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "model_id"}, {ProtoField: "label"}, {ProtoField: "features", Optional: true},
					}},
				{RpcMethod: "Refund", Use: "refund [model-id] [contribution-id]", Short: "Get a contribution's deposit back (after the refund wait, if the model agrees)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}, {ProtoField: "contribution_id"}}},
				{RpcMethod: "Report", Use: "report [model-id] [contribution-id]", Short: "Take a share of a contribution's deposit (after the refund wait, if the model disagrees)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}, {ProtoField: "contribution_id"}}},
				{RpcMethod: "Claim", Use: "claim [model-id] [contribution-id]", Short: "Take what is left of a deposit (owner after the owner wait, anyone after the any-address wait)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "model_id"}, {ProtoField: "contribution_id"}}},
				{RpcMethod: "CreateMarket", Use: "create-market [family] [dims] [classes] [bound] [bounty]",
					Short:   "Create a prediction market: escrow the bounty, commit the test-set portions (--portion-hashes, hex dataset hashes)",
					Example: "meritd tx merit create-market centroid 2 2 1000 100000 --portion-hashes <hex> --portion-hashes <hex> --portion-hashes <hex> --min-stake 100 --min-contributions 3 --min-duration 60 --reveal-timeout 600 --from owner",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "family"}, {ProtoField: "dims"}, {ProtoField: "classes"}, {ProtoField: "bound"}, {ProtoField: "bounty"},
					}},
				{RpcMethod: "RevealInitial", Use: "reveal-initial [market-id] [portion]", Short: "Reveal the portion drawn at creation (portion: a file holding its dataset encoding, or hex); opens participation",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "portion"}}},
				{RpcMethod: "CancelMarket", Use: "cancel-market [market-id]", Short: "Close a market before participation opens (provider)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "JoinMarket", Use: "join-market [market-id] [label] [features]", Short: "Contribute one labelled sample with a stake (--stake, escrowed)",
					Example:        "meritd tx merit join-market 0 1 120,-40 --stake 500 --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "label"}, {ProtoField: "features", Optional: true}}},
				{RpcMethod: "EndMarket", Use: "end-market [market-id]", Short: "End participation (after the minimum duration or contributions)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "RevealPortion", Use: "reveal-portion [market-id] [portion]", Short: "Reveal the next committed portion (a file holding its dataset encoding, or hex); after the last, rewards are processed",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "portion"}}},
				{RpcMethod: "AbortMarket", Use: "abort-market [market-id]", Short: "Abort a market whose portions were not revealed in time (stakes share the bounty)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "ProcessRewards", Use: "process-rewards [market-id]", Short: "Run reward steps now, paid by this transaction's gas (the end-blocker runs them anyway)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "Collect", Use: "collect [market-id] [contribution-id]", Short: "Collect a finished market contribution's balance",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "contribution_id"}}},
				{RpcMethod: "ReclaimBounty", Use: "reclaim-bounty [market-id]", Short: "Take back what is left of the bounty pool (provider)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "ClaimAbandoned", Use: "claim-abandoned [market-id] [contribution-id]", Short: "Take a balance nobody collected within the abandon wait (provider)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "contribution_id"}}},
			},
		},
	}
}
