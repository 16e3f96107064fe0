// PostgreSQL's client library (libpq-dev): connections, queries, results and cancellation.
#include <libpq-fe.h>
