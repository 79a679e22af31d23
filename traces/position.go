package traces

// Position methods: where each reader is in its input, for messages about
// a task it has just returned (a replay refusing a request it cannot
// scale). The native and SWF readers return one task per line, so the
// line is the task's own; the Google and Alibaba readers read ahead (the
// look-ahead, the reorder window), so the line is at or after the task's
// rows.

// Position returns the file and line the reader last read.
func (r *NativeReader) Position() (string, int64) { return r.lines.name, r.lines.line }

// Position returns the file and line the reader last read.
func (r *swfReader) Position() (string, int64) { return r.src.file(), r.src.lineNo() }

// Position returns the file and line the reader last read.
func (r *alibabaReader) Position() (string, int64) { return r.src.file(), r.src.lineNo() }

// Position returns the task_events file and line the reader last read.
func (r *GoogleReader) Position() (string, int64) { return r.tasks.name, r.tasks.line }
