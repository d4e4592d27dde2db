package abi_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/gas"
)

func TestSmoke(t *testing.T) {
	cases := abitest.Random(1)
	real, err := abitest.Real()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(cases, real...) {
		resp, used, err := abi.Native{}.Call(context.Background(), c.Request, 1<<62)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		t.Logf("%s: %d bytes, gas %d", c.Name, len(resp), used)
		r, err := abi.DecodeResponse(resp)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !bytes.Equal(abi.EncodeResponse(r), resp) {
			t.Fatalf("%s: response re-encoding differs", c.Name)
		}
		_, used2, err := abi.Native{}.Call(context.Background(), c.Request, used-1)
		if !errors.Is(err, gas.ErrOutOfGas) || used2 != used-1 {
			t.Fatalf("%s: limit %d: used %d, err %v", c.Name, used-1, used2, err)
		}
	}
}
