namespace Iess.Identity.Bench.Scenarios;

/// <summary>People signing in to an app: each operation is a new browser walking the whole code flow.</summary>
public sealed class SignInScenario(HttpClient http, BenchDeployment deployment) : IScenario
{
    public string Name => "signin";

    public string Operation => "a whole sign-in: authorize → GET /Login → POST /Login → authorize → code → POST /connect/token (6 requests)";

    public Task<Func<CancellationToken, Task>> CreateUserAsync(int user, CancellationToken cancellationToken)
    {
        var flow = new SignInFlow(http, deployment);
        var account = deployment.Accounts[user % deployment.Accounts.Count];
        return Task.FromResult<Func<CancellationToken, Task>>(token => flow.RunAsync(account, token));
    }
}
