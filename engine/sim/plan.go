package sim

import (
	"container/heap"
	"sort"

	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/rng"
)

// Seed streams: every random draw of a run comes from a generator seeded with
// derive(Config.Seed, stream), one stream per purpose, so that adding an agent does not
// change the draws of another purpose.
const (
	streamPool     = 0 // the permutation of the pool: initial rows, then agents' shares
	streamMarket   = 1 // the market's seed (it draws the portion revealed first)
	streamPortions = 2 // the permutation of the test set that the portions are cut from
	streamAgent0   = 3 // agent i draws from stream streamAgent0 + i
)

// derive returns the seed of stream s of a run with seed seed: the first SplitMix64
// output from the state seed ⊕ (s · 0x9e3779b97f4a7c15).
func derive(seed, s uint64) uint64 {
	z := seed ^ (s * 0x9e3779b97f4a7c15)
	return rng.SplitMix64(&z)
}

// address returns the account address of actor i: agents are 0..n−1, the owner (or
// bounty provider) is n. The address is the 20 bytes "merit-sim" followed by zeros and
// i+1 as a big-endian uint32 in the last four bytes; it is never the zero address.
func address(i int) incentive.Address {
	var a incentive.Address
	copy(a[:], "merit-sim")
	v := uint32(i + 1)
	a[16], a[17], a[18], a[19] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	return a
}

// submission is one planned contribution of an agent.
type submission struct {
	time  int64
	row   int   // index into the pool
	label int32 // the label submitted (LazyCopier: decided when it happens, −1 here)
}

// planAgent returns agent a's submissions in time order (ties: planning order), its rows
// being the pool indices rows. Draws come from r in this order: the submission times
// (Honest, LabelFlipper, LazyCopier: one Uintn(duration) per row, in row order;
// DuplicateSpammer: one burst start Uintn(duration − len(rows) + 1) per repeat), then, for
// a LabelFlipper, one Uintn(C − 1) per row in row order for its wrong label.
func planAgent(a Agent, rows []int, labels []int32, classes int, duration int64, r *rng.Source) []submission {
	var subs []submission
	switch a.Kind {
	case DuplicateSpammer:
		n := int64(len(rows))
		for rep := 0; rep < a.Repeats; rep++ {
			start := int64(r.Uintn(uint64(duration - n + 1)))
			for j, row := range rows {
				subs = append(subs, submission{time: start + int64(j), row: row, label: labels[row]})
			}
		}
	default:
		for _, row := range rows {
			subs = append(subs, submission{time: int64(r.Uintn(uint64(duration))), row: row, label: labels[row]})
		}
		switch a.Kind {
		case LabelFlipper:
			c := uint64(classes)
			for j := range subs {
				y := uint64(subs[j].label)
				subs[j].label = int32((y + 1 + r.Uintn(c-1)) % c)
			}
		case LazyCopier:
			for j := range subs {
				subs[j].label = -1
			}
		}
	}
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].time < subs[j].time })
	return subs
}

// evKind is what an event does.
type evKind uint8

const (
	evCheckpoint evKind = iota + 1 // record a time-series point
	evSubmit                       // an agent submits (ref: index into its submissions)
	evMature                       // refundWait has passed for a contribution (ref: contribution)
	evOwnerClaim                   // ownerWait has passed for a contribution (ref: contribution)
	evMarketEnd                    // the market's contribution period is over
)

// event is one entry of the event queue. Events run in increasing (time, actor, seq)
// order: actor −1 is the system (checkpoints, so a checkpoint at T sees every event
// before T and none at T), 0..n−1 the agents, n the owner; seq is the order in which
// events were scheduled, which makes the order total.
type event struct {
	time  int64
	actor int
	seq   uint64
	kind  evKind
	ref   int
}

func (e event) less(f event) bool {
	if e.time != f.time {
		return e.time < f.time
	}
	if e.actor != f.actor {
		return e.actor < f.actor
	}
	return e.seq < f.seq
}

// queue is a min-heap of events.
type queue struct {
	ev   []event
	next uint64
}

func (q *queue) Len() int           { return len(q.ev) }
func (q *queue) Less(i, j int) bool { return q.ev[i].less(q.ev[j]) }
func (q *queue) Swap(i, j int)      { q.ev[i], q.ev[j] = q.ev[j], q.ev[i] }
func (q *queue) Push(x any)         { q.ev = append(q.ev, x.(event)) }
func (q *queue) Pop() any {
	e := q.ev[len(q.ev)-1]
	q.ev = q.ev[:len(q.ev)-1]
	return e
}

// schedule adds an event; its seq is the number of events scheduled before it.
func (q *queue) schedule(time int64, actor int, kind evKind, ref int) {
	heap.Push(q, event{time: time, actor: actor, seq: q.next, kind: kind, ref: ref})
	q.next++
}

// pop removes and returns the first event.
func (q *queue) pop() event { return heap.Pop(q).(event) }
