using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Accounts;

/// <summary>Registers ASP.NET Core Identity with Argon2id, the password policy, lockout and the TOTP provider.</summary>
public static class AccountsServiceCollectionExtensions
{
    public static IServiceCollection AddIessAccounts(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<AccountsOptions>().Bind(configuration.GetSection(AccountsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var accounts = configuration.GetSection(AccountsOptions.Section).Get<AccountsOptions>() ?? new AccountsOptions();

        services.AddIdentity<IessUser, IdentityRole>(identity =>
            {
                // The policy service decides what a good password is; Identity's composition rules are off.
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 1;
                identity.Password.RequiredLength = 1;
                identity.User.RequireUniqueEmail = false;
                identity.User.AllowedUserNameCharacters = "AEO-0123456789";
                identity.SignIn.RequireConfirmedAccount = false;
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = accounts.LockoutMaxFailures;
                identity.Lockout.DefaultLockoutTimeSpan = accounts.LockoutDuration;
                identity.Tokens.AuthenticatorTokenProvider = OtpAuthenticatorTokenProvider.ProviderName;
                // Email changes are confirmed with a 6-digit code typed on the page, not a long link token.
                identity.Tokens.ChangeEmailTokenProvider = TokenOptions.DefaultEmailProvider;
                identity.Stores.MaxLengthForKeys = 128;
            })
            .AddEntityFrameworkStores<IessDbContext>()
            .AddUserManager<IessUserManager>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<OtpAuthenticatorTokenProvider>(OtpAuthenticatorTokenProvider.ProviderName);

        services.AddSingleton<IPasswordHasher<IessUser>, Argon2idPasswordHasher>();
        services.AddScoped<IPasswordValidator<IessUser>, PasswordPolicy>();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "iess.session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.LoginPath = "/Login";
            cookie.LogoutPath = "/Logout";
            cookie.AccessDeniedPath = "/Login";
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.AddSingleton<IPostConfigureOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>, SecureCookies>();

        services.AddScoped<AccountDirectory>();
        return services;
    }
}
