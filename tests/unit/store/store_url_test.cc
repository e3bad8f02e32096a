#include "store/store_url.h"

#include <gtest/gtest.h>

#include "pipeline/store.h"

namespace pipeline::store {
namespace {

TEST(StoreUrlTest, APostgresqlUrlBecomesLibpqKeywords) {
  EXPECT_EQ(
      PostgresConnectionString("postgresql://ci:p%40ss@db.local:5433/history?sslmode=require"),
      "user=ci password=p@ss host=db.local port=5433 dbname=history sslmode=require "
      "connect_timeout=10");
  EXPECT_EQ(PostgresConnectionString("postgres://127.0.0.1/h?connect_timeout=3"),
            "host=127.0.0.1 dbname=h connect_timeout=3");
  EXPECT_TRUE(IsPostgresUrl("postgres://x"));
  EXPECT_FALSE(IsPostgresUrl("/home/me/history.db"));
}

TEST(StoreUrlTest, AValuePocoWouldMisreadIsRefused) {
  EXPECT_THROW(PostgresConnectionString("postgresql://u:a%20b@h/db"), StoreError);
  EXPECT_THROW(PostgresConnectionString("postgresql://u:a%3Db@h/db"), StoreError);
}

}  // namespace
}  // namespace pipeline::store
