namespace Iess.Identity.Employers;

/// <summary>Registers the employer account services and the two employer self-service flows (their limits are the recovery options).</summary>
public static class EmployersServiceCollectionExtensions
{
    public static IServiceCollection AddIessEmployers(this IServiceCollection services)
    {
        services.AddScoped<EmployerAccounts>();
        services.AddScoped<EmployerRecoveryService>();
        services.AddScoped<EmployerActivationService>();
        return services;
    }
}
