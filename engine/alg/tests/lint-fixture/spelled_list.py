"""A script with its own algorithm table (alg_lint must refuse it)."""
KEYS = {
    'aes-cbc-128': 16,
    'aes-cbc-192': 24,
    'aes-cbc-256': 32,
}
