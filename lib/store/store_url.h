#ifndef PIPELINE_STORE_STORE_URL_H_
#define PIPELINE_STORE_STORE_URL_H_

#include <string>

namespace pipeline::store {

/// True for "postgresql://..." and "postgres://...".
bool IsPostgresUrl(const std::string& url);

/// libpq's "key=value ..." form of a postgresql:// URL (user, password, host, port, dbname and
/// query parameters such as sslmode), with connect_timeout=10 unless given: Poco's connector
/// takes only that form. Throws StoreError for a URL it cannot express (a value with a space).
std::string PostgresConnectionString(const std::string& url);

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_STORE_URL_H_
