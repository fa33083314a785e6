package lock

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestTryAcquireRefusesASecondHolder(t *testing.T) {
	path := File(filepath.Join(t.TempDir(), "locks"), "/srv/payments")
	first, err := TryAcquire(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TryAcquire(path); !errors.Is(err, ErrHeld) {
		t.Fatalf("second TryAcquire: got %v, want ErrHeld", err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := TryAcquire(path)
	if err != nil {
		t.Fatalf("TryAcquire after Release: %v", err)
	}
	_ = again.Release()
	_ = again.Release() // twice is harmless
}

func TestAcquireWaitsForTheHolder(t *testing.T) {
	path := File(t.TempDir(), "key")
	first, err := TryAcquire(path)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(100 * time.Millisecond)
		close(released)
		_ = first.Release()
	}()
	second, err := Acquire(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Release()
	select {
	case <-released:
	default:
		t.Fatal("Acquire returned while the first holder still had the lock")
	}
}

func TestAcquireStopsWithItsContext(t *testing.T) {
	path := File(t.TempDir(), "key")
	first, err := TryAcquire(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Acquire(ctx, path); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestFileNamesDifferPerKey(t *testing.T) {
	if File("d", "a") == File("d", "b") {
		t.Fatal("two keys share a lock file")
	}
	if File("d", "a") != File("d", "a") {
		t.Fatal("one key gives two lock files")
	}
}
