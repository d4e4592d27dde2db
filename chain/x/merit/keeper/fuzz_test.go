package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"

	merit "github.com/meritchain/merit/chain/x/merit"
	"github.com/meritchain/merit/chain/x/merit/keeper"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/internal/fuzzcheck"
)

// Fuzz targets of the module's inputs from outside: every transaction message it
// registers, and the genesis JSON.
//
//	go test -run '^$' -fuzz '^FuzzMsgs$' -fuzztime 60s ./x/merit/keeper/

// msgTypeURLs returns the type URL of every message the module registers as an sdk.Msg
// in its interface registry, sorted, and checks that every method of its Msg service (in
// the generated file descriptors) takes one of them: a message added later is fuzzed
// without any change here.
func msgTypeURLs(tb testing.TB) ([]string, func(url string) sdk.Msg) {
	tb.Helper()
	ir := moduletestutil.MakeTestEncodingConfig(merit.AppModule{}).InterfaceRegistry
	var urls []string
	for _, u := range ir.ListImplementations(sdk.MsgInterfaceProtoName) {
		if strings.HasPrefix(u, "/merit.") {
			urls = append(urls, u)
		}
	}
	sort.Strings(urls)
	if len(urls) == 0 {
		tb.Fatal("the module registers no messages")
	}
	// The Msg service of the proto package the messages are in.
	pkg := strings.TrimPrefix(urls[0], "/")
	pkg = pkg[:strings.LastIndex(pkg, ".")]
	d, err := gogoproto.HybridResolver.FindDescriptorByName(protoreflect.FullName(pkg + ".Msg"))
	if err != nil {
		tb.Fatalf("Msg service of %s: %v", pkg, err)
	}
	methods := d.(protoreflect.ServiceDescriptor).Methods()
	for i := range methods.Len() {
		in := "/" + string(methods.Get(i).Input().FullName())
		if _, ok := slicesIndex(urls, in); !ok {
			tb.Fatalf("Msg service method %s takes %s, which is not registered as an sdk.Msg", methods.Get(i).Name(), in)
		}
	}
	return urls, func(url string) sdk.Msg {
		m, err := ir.Resolve(url)
		if err != nil {
			tb.Fatalf("resolve %s: %v", url, err)
		}
		return m.(sdk.Msg)
	}
}

func slicesIndex(s []string, v string) (int, bool) {
	i := sort.SearchStrings(s, v)
	return i, i < len(s) && s[i] == v
}

// fuzzBase is the state every FuzzMsgs input starts from (built once per fuzz worker): a
// DRT model (id 0) and a Points model (id 1), each with contributions by alice and bob.
var fuzzBase struct {
	once sync.Once
	f    *fixture
	ctx  sdk.Context
	keys []storetypes.StoreKey
}

func baseFixture(t *testing.T) *fixture {
	fuzzBase.once.Do(func() {
		f := newFixture(t)
		drtM, ptsM := f.drtModel(), f.pointsModel()
		for i, m := range []uint64{drtM, ptsM} {
			f.at(int64(10 * i))
			f.add(m, "alice", []int32{500, 20}, 1)
			f.add(m, "bob", []int32{-400, 10}, 1) // a wrong label: reportable
			f.add(m, "alice", []int32{-300, -50}, 0)
		}
		f.at(0)
		fuzzBase.f, fuzzBase.ctx = f, f.ctx
		byName := f.app.CommitMultiStore().(interface {
			StoreKeysByName() map[string]storetypes.StoreKey
		}).StoreKeysByName()
		for _, k := range byName {
			fuzzBase.keys = append(fuzzBase.keys, k)
		}
		sort.Slice(fuzzBase.keys, func(i, j int) bool { return fuzzBase.keys[i].Name() < fuzzBase.keys[j].Name() })
	})
	if fuzzBase.f == nil {
		t.Fatal("building the base fixture failed in an earlier input")
	}
	return fuzzBase.f
}

// storeDigest hashes every key and value of every store (auth, bank, merit) at ctx: a
// refused message must leave it unchanged.
func storeDigest(ctx sdk.Context) [32]byte {
	h := sha256.New()
	for _, k := range fuzzBase.keys {
		h.Write([]byte(k.Name()))
		it := ctx.KVStore(k).Iterator(nil, nil)
		for ; it.Valid(); it.Next() {
			for _, b := range [][]byte{it.Key(), it.Value()} {
				var n [8]byte
				for i, v := 0, len(b); i < 8; i, v = i+1, v>>8 {
					n[i] = byte(v)
				}
				h.Write(n[:])
				h.Write(b)
			}
		}
		it.Close()
	}
	return [32]byte(h.Sum(nil))
}

// placeAddresses replaces, in every string field of msg (nested structs included), the
// names of the fixture's accounts ("alice", "bob", "carol", "mallory", "owner") and "gov"
// by their bech32 addresses, so that the fuzzer reaches past address parsing with short
// inputs.
func placeAddresses(f *fixture, msg sdk.Msg) {
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.String:
			if a, ok := f.accts[v.String()]; ok {
				v.SetString(a.String())
			} else if v.String() == "gov" {
				v.SetString(f.gov)
			}
		}
	}
	walk(reflect.ValueOf(msg))
}

// FuzzMsgs: the bytes are unmarshalled as every message type the module registers (see
// msgTypeURLs) in turn; each that unmarshals (account names placed, see placeAddresses)
// is delivered through the app's message router to the module's Msg server against a
// real keeper, at the base state advanced by seconds. Checks: no panic; a refused
// message changes nothing in any store (auth, bank, merit); after every accepted
// message the escrow invariant holds and the module's state still validates as a
// genesis. Each input starts from the same base state, in a cache of it.
func FuzzMsgs(f *testing.F) {
	urls, newMsg := msgTypeURLs(f)
	seed := func(m gogoproto.Message, secs uint16) {
		b, err := gogoproto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		fuzzcheck.Add(f, b, secs)
	}
	seed(&types.MsgAddData{Contributor: "carol", ModelId: 0, Features: []int32{100, 200}, Label: 1, Deposit: 100_000}, 5)
	seed(&types.MsgAddData{Contributor: "carol", ModelId: 1, Features: []int32{-100, 7}, Label: 0}, 5)
	seed(&types.MsgRefund{Caller: "alice", ModelId: 0, ContributionId: 0}, 15)
	seed(&types.MsgRefund{Caller: "alice", ModelId: 1, ContributionId: 2}, 15)
	seed(&types.MsgReport{Reporter: "alice", ModelId: 0, ContributionId: 1}, 40)
	seed(&types.MsgReport{Reporter: "carol", ModelId: 1, ContributionId: 1}, 40)
	seed(&types.MsgClaim{Claimer: "owner", ModelId: 0, ContributionId: 1}, 25)
	seed(&types.MsgClaim{Claimer: "mallory", ModelId: 0, ContributionId: 2}, 35)
	seed(&types.MsgCreateModel{Creator: "owner", Family: "perceptron", Dims: 2, Classes: 2, Bound: 1000,
		Mechanism: types.MechanismDRT, CostWeight: 1, RefundWait: 10, OwnerWait: 20, AnyAddressWait: 30}, 0)
	seed(&types.MsgCreateModel{Creator: "bob", Family: "knn", Dims: 3, Classes: 3, Bound: 100, K: 3,
		Mechanism: types.MechanismPoints, RefundWait: 1}, 0)
	seed(&types.MsgCreateModel{Creator: "bob", Family: "naive-bayes", Dims: 4, Classes: 2, Bound: 100, AlphaMicro: 1_000_000,
		Mechanism: types.MechanismDRT, CostWeight: 1 << 62, RefundWait: 1, OwnerWait: 1, AnyAddressWait: 1}, 0)
	seed(&types.MsgUpdateParams{Authority: "gov", Params: types.DefaultParams(testHash)}, 0)
	seed(&types.MsgUpdateParams{Authority: "mallory", Params: types.DefaultParams(testHash)}, 0)
	f.Fuzz(func(t *testing.T, b []byte, secs uint16) {
		fx := baseFixture(t)
		fx.t = t
		ctx, _ := fuzzBase.ctx.CacheContext()
		fx.ctx = ctx.WithBlockTime(time.Unix(t0+int64(secs), 0))
		defer func() { fx.ctx = fuzzBase.ctx }()
		for _, url := range urls {
			msg := newMsg(url)
			if err := msg.(interface{ Unmarshal([]byte) error }).Unmarshal(b); err != nil {
				continue
			}
			placeAddresses(fx, msg)
			before := storeDigest(fx.ctx)
			_, err := fx.deliver(msg)
			if err != nil {
				if after := storeDigest(fx.ctx); after != before {
					t.Fatalf("a refused %s (%v) changed the state: %v", url, err, msg)
				}
				continue
			}
			if m, broken := keeper.EscrowInvariant(fx.k)(fx.ctx); broken {
				t.Fatalf("after %s %v: %s", url, msg, m)
			}
			gs, err := fx.k.ExportGenesis(fx.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()))
			if err != nil {
				t.Fatalf("after %s: export: %v", url, err)
			}
			if err := gs.Validate(); err != nil {
				t.Fatalf("after %s %v: the state no longer validates: %v", url, msg, err)
			}
		}
	})
}

// FuzzGenesis: arbitrary JSON into the module's ValidateGenesis never panics; a genesis
// it accepts is loaded by InitGenesis without a panic (into a cache of a fresh state)
// and, if loaded, exports a genesis that validates and loads again to the very same
// export (import/export is a fixed point).
func FuzzGenesis(f *testing.F) {
	enc := moduletestutil.MakeTestEncodingConfig(merit.AppModule{})
	cdc := enc.Codec
	js := func(gs *types.GenesisState) []byte {
		b, err := cdc.MarshalJSON(gs)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	fuzzcheck.Add(f, js(types.DefaultGenesis(testHash)))
	fuzzcheck.Add(f, []byte(`{"params":{},"next_model_id":"18446744073709551615","models":[{}],"contributions":[{}]}`))
	fuzzcheck.Add(f, []byte(`{"models":[{"id":"1","model_state":"TVJUTQ==","mechanism_state":"TURSVA=="}]}`))
	// A real state: models of both mechanisms with contributions and statistics. The
	// fixture wants a *testing.T, which a fuzz target's set-up does not have: it gets a
	// bare one in a goroutine of its own, where a failure (FailNow's Goexit, or a panic)
	// only ends that goroutine and leaves real nil.
	var real []byte
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { recover() }()
		fx := newFixture(&testing.T{})
		m := fx.drtModel()
		fx.add(m, "alice", []int32{500, 20}, 1)
		fx.add(fx.pointsModel(), "bob", []int32{-400, 10}, 1)
		gs, err := fx.k.ExportGenesis(fx.ctx)
		if err == nil {
			real = js(gs)
		}
	}()
	<-done
	if real == nil {
		f.Fatal("could not build a real genesis")
	}
	fuzzcheck.Add(f, real)
	var once sync.Once
	var base *fixture
	var baseCtx sdk.Context
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := (merit.AppModule{}).ValidateGenesis(cdc, nil, json.RawMessage(b)); err != nil {
			return
		}
		var gs types.GenesisState
		if err := cdc.UnmarshalJSON(b, &gs); err != nil {
			t.Fatalf("validated but does not unmarshal: %v", err)
		}
		once.Do(func() { base = newFixture(t); baseCtx = base.ctx })
		base.t = t
		ctx, _ := baseCtx.CacheContext()
		if err := base.k.InitGenesis(ctx, &gs); err != nil {
			return // e.g. another engine build pinned
		}
		out, err := base.k.ExportGenesis(ctx)
		if err != nil {
			t.Fatalf("export after import: %v", err)
		}
		if err := out.Validate(); err != nil {
			t.Fatalf("the export of a valid genesis does not validate: %v", err)
		}
		ctx2, _ := baseCtx.CacheContext()
		if err := base.k.InitGenesis(ctx2, out); err != nil {
			t.Fatalf("the export does not import: %v", err)
		}
		out2, err := base.k.ExportGenesis(ctx2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(js(out), js(out2)) {
			t.Fatalf("export → import → export differs:\n%s\n%s", js(out), js(out2))
		}
	})
}
