namespace Iess.Identity.Bench.Scenarios;

/// <summary>A confidential service asking for an access token with its client secret (client_credentials).</summary>
public sealed class ClientCredentialsScenario(HttpClient http, BenchDeployment deployment) : IScenario
{
    public string Name => "client_credentials";

    public string Operation => "one POST /connect/token (grant_type=client_credentials, secret in the form)";

    public Task<Func<CancellationToken, Task>> CreateUserAsync(int user, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = BenchDeployment.ServiceClientId,
            ["client_secret"] = deployment.ServiceClientSecret,
        };
        return Task.FromResult<Func<CancellationToken, Task>>(token => TokenResponse.RequestAsync(http, deployment.BaseAddress, form, token));
    }
}
