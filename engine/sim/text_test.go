package sim

import (
	"encoding/json"
	"testing"

	"github.com/meritchain/merit/engine/model"
)

func TestNamesInJSON(t *testing.T) {
	v := struct {
		K Kind
		M Mechanism
		F model.Family
	}{LazyCopier, Market, model.SparseCentroid}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"K":"lazy-copier","M":"market","F":"sparse-centroid"}`; string(b) != want {
		t.Fatalf("JSON %s, want %s", b, want)
	}
	var back struct {
		K Kind
		M Mechanism
		F model.Family
	}
	if err := json.Unmarshal(b, &back); err != nil || back != v {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"K":"saint"}`), &back); err == nil {
		t.Fatal("unknown kind accepted")
	}
}
