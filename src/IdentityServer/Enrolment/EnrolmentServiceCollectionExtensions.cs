namespace Iess.Identity.Enrolment;

/// <summary>Registers officer enrolment (the <c>add-officer</c> verb's links and the /Enrol page).</summary>
public static class EnrolmentServiceCollectionExtensions
{
    public static IServiceCollection AddIessEnrolment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EnrolmentOptions>()
            .Bind(configuration.GetSection(EnrolmentOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<OfficerEnrolment>();
        return services;
    }
}
