using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Recovery;

namespace Iess.Identity.Employers;

/// <summary>
/// The security profile a phantom employer flow appears to have: whether it shows the image step and which image of its
/// grid passes. Derived from a keyed hash of the RUC and branch, so it is the same on every attempt and looks like any
/// real branch (some have an image, some do not). With <paramref name="registered"/> (a wrong representative on a branch
/// that has an image) the passing image is a decoy of that branch's real grid, never the registered image itself.
/// </summary>
public static class PhantomProfile
{
    public static (bool HasImage, int ImageId) For(byte[] gridKey, string identifierHash, int gridSize, int? registered = null)
    {
        var seed = HMACSHA256.HashData(gridKey, Encoding.UTF8.GetBytes("employer-phantom:" + identifierHash));
        var candidates = SecurityImages.Grid(gridKey, identifierHash, registered, gridSize).Where(i => i.Id != registered).ToList();
        return ((seed[0] & 1) == 1, candidates[seed[1] % candidates.Count].Id);
    }
}
