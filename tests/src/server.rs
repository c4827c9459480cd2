//! Spawning the HTTP server for end-to-end tests.
