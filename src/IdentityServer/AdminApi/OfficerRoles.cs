namespace Iess.Identity.AdminApi;

/// <summary>
/// The officer roles, each including what the one below it may do: helpdesk &lt; supervisor &lt; administrator.
/// Roles live in the database (ASP.NET Core Identity roles); the admin API reads them on every call, so a role
/// taken away takes effect at once, whatever an older access token says.
/// </summary>
public static class OfficerRoles
{
    public const string Helpdesk = "helpdesk";
    public const string Supervisor = "supervisor";
    public const string Administrator = "administrator";

    /// <summary>From least to most powerful.</summary>
    public static readonly string[] All = [Helpdesk, Supervisor, Administrator];

    /// <summary>0 for none, then 1..3 following <see cref="All"/>: the highest of the roles given.</summary>
    public static int Rank(IEnumerable<string> roles) =>
        roles.Select(r => Array.IndexOf(All, r) + 1).DefaultIfEmpty(0).Max();

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
