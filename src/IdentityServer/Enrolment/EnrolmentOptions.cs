using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Enrolment;

/// <summary>Officer enrolment links printed by the <c>add-officer</c> verb, bound from <c>Iess:Enrolment</c>.</summary>
public sealed class EnrolmentOptions
{
    public const string Section = "Iess:Enrolment";

    /// <summary>How long an enrolment link works (it works once).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);
}
