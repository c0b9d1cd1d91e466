//! Accent-insensitive search as an officer types.
