namespace Iess.Identity.Profile;

/// <summary>Registers the services behind the profile pages.</summary>
public static class ProfileServiceCollectionExtensions
{
    public static IServiceCollection AddIessProfile(this IServiceCollection services) => services.AddScoped<ProfileService>();
}
