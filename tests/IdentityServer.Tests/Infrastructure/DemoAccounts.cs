namespace Iess.Identity.Tests.Infrastructure;

/// <summary>The demo accounts and clients seeded in Development (see README), as tests use them.</summary>
public static class DemoAccounts
{
    public const string AffiliateCedula = "1710034065";
    public const string AffiliatePassword = "Chimborazo-Cumbre-2026";
    public const string SecondAffiliateCedula = "0926687856";
    public const string SecondAffiliatePassword = "Galapagos-Tortuga-88";
    public const string EmployerRuc = "1790012344001";
    public const string EmployerPassword = "Cacao-Exporta-2026!";
    public const string OfficerCedula = "1104680135";
    public const string OfficerPassword = "Funcionario-Seguro-2026";
    public const string OfficerTotpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    public const string ConfidentialClientId = "demo-web";
    public const string ConfidentialClientSecret = "demo-web-secret-only-for-development-0123456789";
    public const string ConfidentialRedirectUri = "http://localhost:5002/signin-oidc";
    public const string PublicClientId = "demo-spa";
    public const string PublicRedirectUri = "http://localhost:5003/callback";
}
