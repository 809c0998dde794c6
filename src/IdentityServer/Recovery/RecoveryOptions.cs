using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Recovery;

/// <summary>Durations and limits of the recovery flow, bound from <c>Iess:Recovery</c>.</summary>
public sealed class RecoveryOptions
{
    public const string Section = "Iess:Recovery";

    /// <summary>How long a whole flow lives.</summary>
    public TimeSpan FlowLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Failures at the knowledge or image step before the flow locks.</summary>
    [Range(1, 20)]
    public int MaxStepFailures { get; set; } = 5;

    [Range(4, 16)]
    public int ImageGridSize { get; set; } = 9;

    public TimeSpan EmailLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan SmsCodeLifetime { get; set; } = TimeSpan.FromMinutes(3);

    [Range(1, 20)]
    public int MaxCodeAttempts { get; set; } = 5;

    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(60);

    [Range(1, 10)]
    public int MaxSendsPerFlow { get; set; } = 3;

    /// <summary>SMS-pumping protection: recovery SMS to one number per 24 hours.</summary>
    [Range(1, 100)]
    public int MaxSmsPerPhonePerDay { get; set; } = 5;

    /// <summary>Flows one identifier may start per 24 hours.</summary>
    [Range(1, 1000)]
    public int MaxFlowsPerIdentifierPerDay { get; set; } = 10;

    /// <summary>
    /// Flows one group of identifiers may start per 24 hours, of each kind: all branches of one RUC together, whatever
    /// branch or representative is typed. Identifiers without a group (affiliates) are not counted here.
    /// </summary>
    [Range(1, 100000)]
    public int MaxFlowsPerGroupPerDay { get; set; } = 50;

    /// <summary>Flows one client address may start per hour.</summary>
    [Range(1, 10000)]
    public int MaxFlowsPerIpPerHour { get; set; } = 30;
}
