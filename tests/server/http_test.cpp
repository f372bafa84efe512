#include <gtest/gtest.h>
TEST(server_http, placeholder) {}
