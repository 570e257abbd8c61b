//go:build unix

package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dirLock is an exclusive lock on a data directory, held for as long as
// the index is open. The lock file holds the owner's process ID, so that a
// second process can say who has it.
type dirLock struct{ f *os.File }

// lockDir takes the lock on dir without waiting. When another process
// holds it, it returns an error wrapping ErrLocked that names that
// process.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "dossier.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
				return nil, fmt.Errorf("%w by another dossier process (pid %d)", ErrLocked, pid)
			}
			return nil, fmt.Errorf("%w by another dossier process", ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		f.Sync()
	}
	return &dirLock{f: f}, nil
}

// unlock releases the lock. The file stays; its content is stale but
// harmless, as only the kernel's lock counts.
func (l *dirLock) unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
