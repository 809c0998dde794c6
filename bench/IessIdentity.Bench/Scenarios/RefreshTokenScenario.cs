namespace Iess.Identity.Bench.Scenarios;

/// <summary>
/// Apps keeping a session alive: each virtual user signs in once (not measured) and then redeems its refresh token
/// again and again, always with the newest one, since the server rotates it on every use.
/// </summary>
public sealed class RefreshTokenScenario(HttpClient http, BenchDeployment deployment) : IScenario
{
    private readonly string?[] chains = new string?[deployment.Accounts.Count];

    public string Name => "refresh_token";

    public string Operation => "one POST /connect/token (grant_type=refresh_token, the chain's newest token; scope openid offline_access)";

    public async Task<Func<CancellationToken, Task>> CreateUserAsync(int user, CancellationToken cancellationToken)
    {
        await RecoverAsync(user, cancellationToken);
        return async token =>
        {
            var response = await TokenResponse.RequestAsync(http, deployment.BaseAddress, new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = BenchDeployment.AppClientId,
                ["refresh_token"] = chains[user] ?? throw new BenchFailure("no refresh token"),
            }, token);
            chains[user] = response.RefreshToken ?? throw new BenchFailure("the refresh response carried no new refresh token");
        };
    }

    /// <summary>Starts a new chain with an interactive sign-in.</summary>
    public async Task RecoverAsync(int user, CancellationToken cancellationToken)
    {
        var tokens = await new SignInFlow(http, deployment).RunAsync(deployment.Accounts[user % deployment.Accounts.Count], cancellationToken);
        chains[user] = tokens.RefreshToken ?? throw new BenchFailure("the code exchange returned no refresh token");
    }
}
