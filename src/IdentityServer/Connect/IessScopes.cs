namespace Iess.Identity.Connect;

/// <summary>The scopes and claims IESS adds to the standard OIDC ones.</summary>
public static class IessScopes
{
    public const string Identity = "iess.identity";
    public const string Admin = "iess.admin";

    /// <summary>The audience of access tokens for the admin API.</summary>
    public const string AdminApiResource = "iess-admin-api";

    public const string IessIdClaim = "iess_id";
    public const string AccountTypeClaim = "iess_account_type";
    public const string BranchClaim = "iess_branch";
    public const string LegalRepresentativeClaim = "iess_legal_representative";
}
