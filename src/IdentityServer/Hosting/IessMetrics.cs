using System.Diagnostics.Metrics;

namespace Iess.Identity.Hosting;

/// <summary>The server's own OpenTelemetry counters: sign-ins by outcome, tokens by grant type.</summary>
public sealed class IessMetrics
{
    public const string MeterName = "Iess.Identity";

    private readonly Counter<long> signIns;
    private readonly Counter<long> tokens;
    private readonly Counter<long> recoverySteps;

    public IessMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        signIns = meter.CreateCounter<long>("iess.signins", description: "Password sign-in attempts by outcome.");
        tokens = meter.CreateCounter<long>("iess.tokens", description: "Tokens issued by grant type.");
        recoverySteps = meter.CreateCounter<long>("iess.recovery.steps", description: "Recovery steps by step and outcome.");
    }

    public void SignIn(string outcome) => signIns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecoveryStep(string step, string outcome) =>
        recoverySteps.Add(1, new KeyValuePair<string, object?>("step", step), new KeyValuePair<string, object?>("outcome", outcome));

    public void TokenIssued(string grantType) => tokens.Add(1, new KeyValuePair<string, object?>("grant_type", grantType));
}
