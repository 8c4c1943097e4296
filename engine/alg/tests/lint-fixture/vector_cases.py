"""Generated cases, each SA chosen for its case (alg_lint passes them)."""
# alg-lint: begin vectors (the cases of a fixture)
CASES = [('aes-cbc-128', 'hmac-sha1-96'), ('aes-gcm-128', 'none'), ('null', 'aes-gmac-128')]
# alg-lint: end vectors
