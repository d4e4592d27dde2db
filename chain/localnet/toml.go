package localnet

import (
	"fmt"
	"os"
	"strings"
)

// setTOML sets key to value (TOML text, already quoted when it is a string) in section
// ("" for the top level, "p2p", "consensus", …) of the TOML text s. The key must already be
// there: meritd's init writes every key this package sets, and a missing one means the
// templates changed, which is an error rather than something to paper over.
func setTOML(s, section, key, value string) (string, error) {
	lines := strings.Split(s, "\n")
	cur := ""
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			cur = strings.Trim(t, "[] ")
			continue
		}
		if cur != section {
			continue
		}
		k, _, ok := strings.Cut(t, "=")
		if ok && strings.TrimSpace(k) == key {
			lines[i] = key + " = " + value
			return strings.Join(lines, "\n"), nil
		}
	}
	where := "the top level"
	if section != "" {
		where = "[" + section + "]"
	}
	return "", fmt.Errorf("no %s in %s", key, where)
}

// editTOML applies the settings (section → key → value) to the file at path.
func editTOML(path string, settings map[string]map[string]string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	for section, kv := range settings {
		for k, v := range kv {
			if s, err = setTOML(s, section, k, v); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
