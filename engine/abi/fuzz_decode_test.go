package abi_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/internal/fuzzcheck"
)

// FuzzDecode: arbitrary bytes into DecodeRequest (response false) or DecodeResponse
// (response true) never panic, fail only with a coded *abi.Error, allocate memory
// proportional to the input whatever counts and sizes the bytes declare, and what they
// accept re-encodes to exactly the same bytes. The seeds are the requests of the random
// and mechanism cases and the responses the engine gives them.
func FuzzDecode(f *testing.F) {
	written := map[string]bool{} // one committed corpus file per op
	for _, c := range append(abitest.Random(1), abitest.Mechanisms(1)...) {
		add := f.Add
		if k := strings.SplitN(c.Name, "/", 2)[0]; !written[k] && len(c.Request) < 2048 {
			written[k] = true
			add = func(args ...any) { fuzzcheck.Add(f, args...) }
		}
		add(c.Request, false)
		if resp, err := abi.Execute(c.Request, gas.NewCounter(gas.Default, 1<<40)); err == nil {
			add(resp, true)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, response bool) {
		var err error
		var again []byte
		fuzzcheck.Bounded(t, "decode", len(b), 32, 64<<10, func() {
			if response {
				var r abi.Response
				if r, err = abi.DecodeResponse(b); err == nil {
					again = abi.EncodeResponse(r)
				}
			} else {
				var r abi.Request
				if r, err = abi.DecodeRequest(b); err == nil {
					again = abi.EncodeRequest(r)
				}
			}
		})
		if err != nil {
			var e *abi.Error
			if !errors.As(err, &e) || e.Code == abi.CodeOK {
				t.Fatalf("error %T %v is not a coded *abi.Error", err, err)
			}
			return
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("accepted a non-canonical encoding (response %v)", response)
		}
	})
}
