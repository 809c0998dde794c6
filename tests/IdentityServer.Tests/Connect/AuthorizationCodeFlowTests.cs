using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Connect;

public sealed class AuthorizationCodeFlowTests(IessServerFixture server) : IClassFixture<IessServerFixture>
{
    [Fact]
    public Task PublicClient_CodePkceRefreshUserInfoAndLogout_WorkEndToEnd() =>
        ConnectScenarios.PublicClientFullJourneyAsync(server.BaseAddress);
}
