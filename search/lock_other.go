//go:build !unix

package search

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// dirLock is an exclusive lock on a data directory. Where flock(2) is not
// available it is a file created exclusively and removed on unlock; a
// crashed process leaves it behind, and the error says which file to
// remove.
type dirLock struct{ path string }

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "dossier.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if os.IsExist(err) {
			b, _ := os.ReadFile(path)
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				return nil, fmt.Errorf("%w by another dossier process (pid %d); if it is not running, remove %s", ErrLocked, pid, path)
			}
			return nil, fmt.Errorf("%w by another dossier process; if none is running, remove %s", ErrLocked, path)
		}
		return nil, fmt.Errorf("create lock file: %w", err)
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	f.Close()
	return &dirLock{path: path}, nil
}

func (l *dirLock) unlock() error {
	if l == nil || l.path == "" {
		return nil
	}
	err := os.Remove(l.path)
	l.path = ""
	return err
}
