from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at a test-suite cost: same code path, cheaper parameters."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
