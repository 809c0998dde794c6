using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Connect;

/// <summary>The main relying-party journey on PostgreSQL, the server engine the build machines can run.</summary>
public sealed class PostgreSqlFlowTests
{
    [Fact]
    public async Task PublicClient_CodePkceRefreshUserInfoAndLogout_WorkEndToEndOnPostgreSql()
    {
        if (string.IsNullOrEmpty(IessServerFactory.PostgresServer))
        {
            Assert.Fail("IESS_TEST_POSTGRES is not set. This test needs a PostgreSQL server: set IESS_TEST_POSTGRES to a connection "
                + "string such as \"Host=127.0.0.1;Port=54330;Username=postgres;Database=postgres\" (scripts/test.sh and .ci/run start one).");
        }

        await using var server = new IessServerFactory(DatabaseProvider.PostgreSql);
        await ConnectScenarios.PublicClientFullJourneyAsync(server.BaseAddress);
    }
}
