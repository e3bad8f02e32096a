#ifndef PIPELINE_STORE_SCHEMA_H_
#define PIPELINE_STORE_SCHEMA_H_

#include <Poco/Data/Session.h>

#include "store/store_impl.h"

namespace pipeline::store {

/// Brings the database to the newest schema this build knows, one migration per version, each in a
/// transaction with its `schema_version` row, so two processes opening a new database migrate it
/// once. Returns the version it ends at. Throws StoreError for a database newer than this build.
int Migrate(Poco::Data::Session& session, Dialect dialect);

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_SCHEMA_H_
