package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"slices"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
)

// addressOf derives a mechanism address from a name: the first 20 bytes of its SHA-256.
func addressOf(name string) incentive.Address {
	var a incentive.Address
	h := sha256.Sum256([]byte(name))
	copy(a[:], h[:])
	return a
}

// marketPayout is one contributor's line of the market's result.
type marketPayout struct {
	Contributor   string `json:"contributor"`
	Contributions int    `json:"contributions"`
	Dropped       int    `json:"dropped"`
	Stake         uint64 `json:"stake"`
	Payout        uint64 `json:"payout"`
	Net           int64  `json:"net"`
	Score         int64  `json:"first_pass_score"`
}

// portionRows returns the row indices of portion j of k of a test set of n rows: the
// contiguous rows ⌊j·n/k⌋ to ⌊(j+1)·n/k⌋ − 1.
func portionRows(n, k, j int) []int {
	lo, hi := j*n/k, (j+1)*n/k
	idx := make([]int, hi-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	return idx
}

func runMarket(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("market", "market --contributions FILE --test FILE [--initial FILE] [--model FAMILY] [flags]\n\n"+
		"Runs a whole prediction market (docs/INCENTIVES.md) and prints each contributor's payout:\n"+
		"  1. the provider funds --bounty and commits to the SHA-256 of --portions test-set portions;\n"+
		"  2. one portion, drawn from --seed, is revealed at once and never used for scoring;\n"+
		"  3. every row of --contributions joins, in file order, with --stake from the contributor\n"+
		"     named in its --contributor-column (a CSV with a header row);\n"+
		"  4. the market ends, the other portions are revealed and checked against their hashes;\n"+
		"  5. reward passes score the live contributions by their marginal change in correct\n"+
		"     predictions on the revealed portions, replayed in order on the initial model\n"+
		"     (trained on --initial, or empty), until no score is negative or the bounty is spent;\n"+
		"  6. everyone collects; what is left of the bounty returns to the provider.\n\n"+
		"Example:\n  merit market --contributions contrib.csv --test test.csv --initial seed.csv --model perceptron", stdout)
	var df dataFlags
	var h hyperFlags
	var ef engineFlags
	df.register(fs)
	h.register(fs)
	ef.register(fs)
	family := fs.String("model", "perceptron", "model family: "+familyNames())
	contribSpec := fs.String("contributions", "", "CSV of contributions: a header row, features, the label last, and a contributor column (required)")
	column := fs.String("contributor-column", "contributor", "name of the column that says who contributed each row")
	testSpec := fs.String("test", "", "the provider's test set, cut into --portions contiguous portions (required)")
	initialSpec := fs.String("initial", "", "rows the initial model is trained on before the market (default: an empty model)")
	portions := fs.Int("portions", 4, "number of committed test-set portions (at least 2)")
	bounty := fs.Uint64("bounty", 1_000_000, "the provider's bounty, in integer base units")
	stake := fs.Uint64("stake", 10_000, "each contribution's stake, in base units")
	minStake := fs.Uint64("min-stake", 1_000, "the minimum stake; contributions whose balance falls below it are dropped")
	seed := fs.Uint64("seed", 1, "seed that draws the portion revealed first")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *contribSpec == "" || *testSpec == "" {
		return usagef("--contributions and --test are required")
	}
	if *stake < *minStake || *minStake < 1 {
		return usagef("--stake %d and --min-stake %d: want 1 ≤ min-stake ≤ stake", *stake, *minStake)
	}
	en, err := ef.open(0)
	if err != nil {
		return err
	}
	defer en.close()
	format, err := parseFormat(df.format)
	if err != nil {
		return err
	}
	if format == dataset.FormatAuto {
		format = dataset.FormatCSV
	}
	cl, err := dataset.Load(*contribSpec, dataset.LoadOptions{Format: format, ScaleExp: df.scale, TagColumn: *column})
	if err != nil {
		return err
	}
	contrib := cl.Data
	df.dims = contrib.Dims
	test, err := loadData(*testSpec, df, contrib.ScaleExp)
	if err != nil {
		return err
	}
	merged := *contrib
	merged.Classes = max(contrib.Classes, test.data.Classes, 2)
	var initial *loaded
	if *initialSpec != "" {
		if initial, err = loadData(*initialSpec, df, contrib.ScaleExp); err != nil {
			return err
		}
		merged.Classes = max(merged.Classes, initial.data.Classes)
	}
	cfg, err := modelConfig(*family, &merged, h)
	if err != nil {
		return err
	}
	for _, d := range []*dataset.Dataset{test.data, initialOrNil(initial)} {
		if d != nil && d.MaxAbs() > cfg.Bound {
			cfg.Bound = d.MaxAbs()
		}
	}
	m, err := model.New(cfg)
	if err != nil {
		return err
	}
	if initial != nil {
		if err := trainModel(m, initial.data, 1); err != nil {
			return fmt.Errorf("%s: %w", initial.path, err)
		}
	}
	n := test.data.Len()
	if *portions < 2 || *portions > n {
		return usagef("--portions %d: want 2..%d (the test set has %d rows)", *portions, n, n)
	}
	parts := make([]*dataset.Dataset, *portions)
	hashes := make([][32]byte, len(parts))
	for j := range parts {
		if parts[j], err = test.data.Subset(portionRows(n, *portions, j)); err != nil {
			return err
		}
		hashes[j] = parts[j].Hash()
	}

	// The market's clock: one second per step.
	now := uint64(0)
	tick := func() uint64 { now++; return now }
	provider := addressOf("provider")
	params := market.Params{MinStake: *minStake, MinContributions: uint64(contrib.Len()), MinDuration: 1 << 62, RevealTimeout: 1 << 62}
	mk, err := market.New(params, provider, *bounty, hashes, *seed, tick())
	if err != nil {
		return err
	}
	if err := mk.RevealInitial(parts[mk.InitialPortion()], tick()); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "market: portion %d of %d revealed first; %d contributions joining...\n", mk.InitialPortion(), len(parts), contrib.Len())
	for i := range contrib.Len() {
		row, err := contrib.Subset([]int{i})
		if err != nil {
			return err
		}
		if _, err := mk.Join(addressOf(cl.Report.Tags[i]), row.Hash(), *stake, tick()); err != nil {
			return fmt.Errorf("%s: row %d: %w", *contribSpec, i+1, err)
		}
	}
	if err := mk.End(tick()); err != nil {
		return err
	}
	for mk.NextReveal() >= 0 {
		if _, err := mk.RevealNext(parts[mk.NextReveal()]); err != nil {
			return err
		}
	}
	var scoringRows []int
	for _, j := range mk.ScoringPortions() {
		scoringRows = append(scoringRows, portionRows(n, *portions, j)...)
	}
	scoringSet, err := test.data.Subset(scoringRows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "market: scoring on %d revealed test rows (engine %s)...\n", scoringSet.Len(), en.name)
	scoring := make([]*dataset.Dataset, 0, len(mk.ScoringPortions()))
	for _, j := range mk.ScoringPortions() {
		scoring = append(scoring, parts[j])
	}
	var passes []market.Pass
	for mk.Phase() == market.Rewards {
		r, err := en.run(&abi.MarketCall{Action: abi.MarketRunPass, State: mk, Initial: m, Contributions: contrib, Scoring: scoring})
		if err != nil {
			return err
		}
		res := r.(*abi.MarketResult)
		mk = res.State
		passes = append(passes, res.Pass)
		fmt.Fprintf(stderr, "market: reward pass %d: %d live, %d dropped\n", res.Pass.Number, len(res.Pass.Live), len(res.Pass.Dropped))
	}
	en.report(stderr)

	// Everyone collects; the provider reclaims the rest of the pool.
	byName := map[string]*marketPayout{}
	var names []string
	for i := range contrib.Len() {
		name := cl.Report.Tags[i]
		p := byName[name]
		if p == nil {
			p = &marketPayout{Contributor: name}
			byName[name] = p
			names = append(names, name)
		}
		c, err := mk.Contribution(i)
		if err != nil {
			return err
		}
		if !c.Live {
			p.Dropped++
		}
		got, err := mk.Collect(i, addressOf(name))
		if err != nil {
			return err
		}
		p.Contributions++
		p.Stake += *stake
		p.Payout += got
	}
	if len(passes) > 0 && len(passes[0].Scores) == contrib.Len() {
		for i, s := range passes[0].Scores {
			byName[cl.Report.Tags[i]].Score += s
		}
	}
	returned, err := mk.Reclaim(provider)
	if err != nil {
		return err
	}
	slices.Sort(names)
	result := struct {
		Model        string         `json:"model"`
		Bounty       uint64         `json:"bounty"`
		Portions     int            `json:"portions"`
		FirstPortion int            `json:"first_revealed_portion"`
		ScoringRows  int            `json:"scoring_rows"`
		Passes       int            `json:"passes"`
		Returned     uint64         `json:"returned_to_provider"`
		Payouts      []marketPayout `json:"payouts"`
	}{Model: cfg.Family.String(), Bounty: *bounty, Portions: len(parts), FirstPortion: mk.InitialPortion(),
		ScoringRows: scoringSet.Len(), Passes: len(passes), Returned: returned}
	var paid uint64
	for _, n := range names {
		p := byName[n]
		p.Net = int64(p.Payout) - int64(p.Stake)
		paid += p.Payout
		result.Payouts = append(result.Payouts, *p)
	}
	if t := mk.Totals(); paid+returned != *bounty+uint64(contrib.Len())**stake || t.Held != 0 {
		return fmt.Errorf("market: money not conserved: paid %d + returned %d ≠ bounty %d + stakes %d (held %d)", paid, returned, *bounty, uint64(contrib.Len())**stake, t.Held)
	}
	if *asJSON {
		return writeJSON(stdout, result)
	}
	fmt.Fprintf(stdout, "prediction market: %s model, bounty %d, %d portions (portion %d revealed first), %d scoring rows, %d reward passes\n",
		result.Model, result.Bounty, result.Portions, result.FirstPortion, result.ScoringRows, result.Passes)
	fmt.Fprintf(stdout, "%-20s %13s %8s %12s %12s %12s %12s\n", "contributor", "contributions", "dropped", "first score", "stake", "payout", "net")
	for _, p := range result.Payouts {
		fmt.Fprintf(stdout, "%-20s %13d %8d %12d %12d %12d %+12d\n", p.Contributor, p.Contributions, p.Dropped, p.Score, p.Stake, p.Payout, p.Net)
	}
	fmt.Fprintf(stdout, "returned to the provider: %d; payouts + returned = bounty + stakes = %d\n", returned, paid+returned)
	return nil
}

func initialOrNil(l *loaded) *dataset.Dataset {
	if l == nil {
		return nil
	}
	return l.data
}
