package gitx

// RemoteError is a clone or push that failed: the remote was unreachable,
// refused, redirected elsewhere, or did not have the ref. It says nothing
// new; its type lets the CLI map every remote failure to one exit code
// without wrapping each call. Its message is the wrapped error's.
type RemoteError struct{ Err error }

func (e *RemoteError) Error() string { return e.Err.Error() }
func (e *RemoteError) Unwrap() error { return e.Err }
