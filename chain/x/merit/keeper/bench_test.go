package keeper_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/chain/x/merit/types"
)

// BenchmarkAddData measures one DRT add-data message (its two engine calls, the store
// and the bank) on the chain's WebAssembly engine, per model family and dimension, on a
// model that already holds 100 contributions. It reports the engine gas and the SDK gas
// of a message, and the share of its time spent in the engine.
//
//	cd chain && go test -run '^$' -bench AddData -benchtime 200x ./x/merit/keeper/
func BenchmarkAddData(b *testing.B) {
	for _, family := range []string{"perceptron", "naive-bayes", "centroid", "knn"} {
		for _, dims := range []uint32{4, 64, 784} {
			b.Run(fmt.Sprintf("%s/dims=%d", family, dims), func(b *testing.B) {
				t := &testing.T{}
				f := newFixtureWith(t, timedEngine{}, engine.SHA256())
				p, _ := f.k.Params.Get(f.ctx)
				p.MaxDims, p.MaxContributionsPerModel = 1024, 1<<20
				_ = f.k.Params.Set(f.ctx, p)
				f.fund("alice", 1<<50)
				m := mustDeliver[types.MsgCreateModelResponse](f, &types.MsgCreateModel{
					Creator: f.addr("owner"), Family: family, Dims: dims, Classes: 10, Bound: 255,
					Mechanism: types.MechanismDRT, CostWeight: 1, RefundWait: 10, OwnerWait: 20, AnyAddressWait: 30,
				}).ModelId
				x := make([]int32, dims)
				msg := func(i int) *types.MsgAddData {
					for j := range x {
						x[j] = int32((i*7 + j*13) % 256)
					}
					return &types.MsgAddData{Contributor: f.addr("alice"), ModelId: m, Features: x, Label: uint32(i % 10), Deposit: 3600}
				}
				h := f.app.MsgServiceRouter().Handler(msg(0))
				for i := range 100 {
					if _, err := h(f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()), msg(i)); err != nil {
						b.Fatal(err)
					}
				}
				var sdkGas, engineGas uint64
				engineTime = 0
				b.ResetTimer()
				for i := range b.N {
					ctx := f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
					res, err := h(ctx, msg(100+i))
					if err != nil {
						b.Fatal(err)
					}
					sdkGas += ctx.GasMeter().GasConsumed()
					for _, e := range res.Events {
						for _, a := range e.Attributes {
							if a.Key == "engine_gas" {
								var g uint64
								fmt.Sscan(a.Value, &g)
								engineGas += g
							}
						}
					}
				}
				elapsed := b.Elapsed()
				b.ReportMetric(float64(engineGas)/float64(b.N), "engine-gas/op")
				b.ReportMetric(float64(sdkGas)/float64(b.N), "sdk-gas/op")
				b.ReportMetric(100*float64(engineTime)/float64(elapsed), "%engine")
			})
		}
	}
}

var engineTime time.Duration

// timedEngine is the shared engine, timed.
type timedEngine struct{ engine.Shared }

func (e timedEngine) Call(ctx context.Context, req []byte, limit uint64) ([]byte, uint64, error) {
	start := time.Now()
	defer func() { engineTime += time.Since(start) }()
	return e.Shared.Call(ctx, req, limit)
}
