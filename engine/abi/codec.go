package abi

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/value"
)

// The encodings shared by several ops.

// putConfig writes a model configuration: u8 family, u32 dims, u32 classes, u8 scaleExp,
// i32 bound, i32 learning rate, i64 alpha (micro), u32 K. It must be normalized
// (model.Config.Normalize), so that it has one encoding.
func putConfig(w *wire.Writer, c model.Config) {
	w.U8(uint8(c.Family))
	w.U32(uint32(c.Dims))
	w.U32(uint32(c.Classes))
	w.U8(uint8(c.ScaleExp))
	w.I32(c.Bound)
	w.I32(c.LearningRate)
	w.I64(c.AlphaMicro)
	w.U32(uint32(c.K))
}

// getConfig reads a configuration and refuses one that is not valid and normalized.
func getConfig(r *wire.Reader) model.Config {
	c := model.Config{
		Family: model.Family(r.U8()), Dims: int(r.U32()), Classes: int(r.U32()),
		ScaleExp: int(r.U8()), Bound: r.I32(), LearningRate: r.I32(), AlphaMicro: r.I64(), K: int(r.U32()),
	}
	if r.Err() != nil {
		return model.Config{}
	}
	n, err := c.Normalize()
	if err != nil {
		r.Failf("%v", err)
		return model.Config{}
	}
	if n != c {
		r.Failf("model config is not in normal form (defaults must be explicit, other families' fields zero)")
	}
	return c
}

// putDataset writes a dataset's canonical encoding as a blob.
func putDataset(w *wire.Writer, d *dataset.Dataset) {
	b, err := d.MarshalBinary()
	if err != nil {
		panic(fmt.Sprintf("abi: encoding an invalid dataset: %v", err))
	}
	w.Blob(b)
}

func getDataset(r *wire.Reader) *dataset.Dataset {
	b := r.Blob()
	if r.Err() != nil {
		return nil
	}
	decode := dataset.Decode
	if r.Shared {
		decode = dataset.DecodeShared
	}
	d, err := decode(b)
	if err != nil {
		r.Failf("%v", err)
		return nil
	}
	return d
}

// putModel writes a model's canonical encoding as a blob.
func putModel(w *wire.Writer, m model.Model) {
	b, err := m.MarshalBinary()
	if err != nil {
		panic(fmt.Sprintf("abi: encoding a model: %v", err))
	}
	w.Blob(b)
}

func getModel(r *wire.Reader) model.Model {
	b := r.Blob()
	if r.Err() != nil {
		return nil
	}
	m, err := model.Decode(b)
	if err != nil {
		r.Failf("%v", err)
		return nil
	}
	return m
}

// putValues writes i64 den, u32 count, count × i64 num.
func putValues(w *wire.Writer, v value.Values) {
	w.I64(v.Den)
	w.U32(uint32(len(v.Num)))
	for _, x := range v.Num {
		w.I64(x)
	}
}

func getValues(r *wire.Reader) value.Values {
	v := value.Values{Den: r.I64()}
	if r.Err() == nil && v.Den <= 0 {
		r.Failf("values denominator %d is not positive", v.Den)
	}
	n := r.Count(uint64(r.U32()), 8, 1<<32)
	v.Num = make([]int64, n)
	for i := range v.Num {
		v.Num[i] = r.I64()
	}
	return v
}

// putInts writes u32 count, count × u32.
func putInts(w *wire.Writer, xs []int) {
	w.U32(uint32(len(xs)))
	for _, x := range xs {
		w.U32(uint32(x))
	}
}

func getInts(r *wire.Reader) []int {
	n := r.Count(uint64(r.U32()), 4, 1<<32)
	out := make([]int, n)
	for i := range out {
		out[i] = int(r.U32())
	}
	return out
}
