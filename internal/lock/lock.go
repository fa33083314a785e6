// Package lock takes exclusive advisory locks between platform processes, so
// two runs never fill the same template cache entry or write the same
// destination at once. Lock files live in the user cache, never beside the
// user's files, and are never deleted: deleting a lock file would let a third
// process lock a new file while a second still waits on the old one.
package lock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// ErrHeld is returned by TryAcquire when another process holds the lock.
var ErrHeld = errors.New("held by another process")

// pollInterval is how often Acquire retries a held lock.
const pollInterval = 50 * time.Millisecond

// Lock is an acquired lock. Release it when done.
type Lock struct{ f *flock.Flock }

// Release gives the lock up. It is safe to call more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	return l.f.Unlock()
}

// File is the lock file in dir for key, any string (a path, a URL): its
// SHA-256 names the file, so keys never need escaping.
func File(dir, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock")
}

// TryAcquire takes the lock at path without waiting; ErrHeld means another
// process has it.
func TryAcquire(path string) (*Lock, error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	ok, err := f.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, ErrHeld
	}
	return &Lock{f: f}, nil
}

// Acquire takes the lock at path, waiting for another holder to release it
// until ctx is done.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	ok, err := f.TryLockContext(ctx, pollInterval)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, ErrHeld
	}
	return &Lock{f: f}, nil
}

func open(path string) (*flock.Flock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create lock directory: %w", err)
	}
	return flock.New(path), nil
}
