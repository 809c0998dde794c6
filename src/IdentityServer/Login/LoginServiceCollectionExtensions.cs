namespace Iess.Identity.Login;

/// <summary>Registers the sign-in services the login pages use.</summary>
public static class LoginServiceCollectionExtensions
{
    public static IServiceCollection AddIessLogin(this IServiceCollection services) => services.AddScoped<SignInGate>().AddScoped<PhantomLockout>();
}
