using QRCoder;

namespace Iess.Identity.Accounts;

/// <summary>The QR code an authenticator app scans to add an IESS account (otpauth URI, PNG data URI).</summary>
public static class AuthenticatorQr
{
    public static string DataUri(string iessId, string key)
    {
        var uri = $"otpauth://totp/IESS:{Uri.EscapeDataString(iessId)}?secret={key}&issuer=IESS&digits=6&period=30";
        using var data = QRCodeGenerator.GenerateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }
}
