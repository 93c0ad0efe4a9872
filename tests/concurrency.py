"""Race real transactions: each call in its own thread and database connection.

Use under ``@pytest.mark.django_db(transaction=True)`` so that what one thread commits
is what the others see, as in production.
"""

import threading

from django.db import connection


def race(calls: list, *, timeout: float = 60) -> list:
    """Start the callables together (a barrier) and return their results in order.

    A call that raised has its exception in its place, so a test can assert on it.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - handed to the test to assert on
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    return results
