package app

import (
	"os"
	"path/filepath"
)

// defaultHome returns $HOME/.meritd (or .meritd in the working directory without a home).
func defaultHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".meritd"
	}
	return filepath.Join(home, ".meritd")
}
