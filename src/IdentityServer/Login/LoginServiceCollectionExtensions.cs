namespace Iess.Identity.Login;

/// <summary>Registers the sign-in services the login pages use.</summary>
public static class LoginServiceCollectionExtensions
{
    public static IServiceCollection AddIessLogin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LoginOptions>().Bind(configuration.GetSection(LoginOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services.AddScoped<SignInGate>().AddScoped<PhantomLockout>();
    }
}
