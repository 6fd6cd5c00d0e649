import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** Rendered size in CSS pixels: large enough for a phone camera at arm's length. */
const QR_SIZE = 320;

/**
 * The pairing QR, drawn from the exact string the gateway gave (Baileys
 * encodes the whole `https://wa.me/settings/linked_devices#…` string). Dark on
 * white with a quiet zone whatever the theme, since phones scan that best; the
 * previous image stays up until the next one is drawn, so a new QR never flickers.
 */
export function WhatsAppQr({ value, label }: { value: string; label: string }) {
  const [drawn, setDrawn] = useState<{ value: string; src: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    QRCode.toDataURL(value, {
      width: QR_SIZE,
      margin: 3,
      errorCorrectionLevel: 'M',
      color: { dark: '#000000', light: '#ffffff' },
    })
      .then((src) => {
        if (!live) return;
        setDrawn({ value, src });
        setError(null);
      })
      .catch((cause: unknown) => {
        if (live) setError(cause instanceof Error ? cause.message : String(cause));
      });
    return () => {
      live = false;
    };
  }, [value]);

  if (error) return <p className="text-danger">Could not draw the QR code: {error}</p>;
  if (!drawn) return <div className="wa-qr-frame wa-qr-pending" aria-busy="true" />;
  return (
    <div className="wa-qr-frame">
      <img
        className="wa-qr"
        data-testid="wa-qr"
        src={drawn.src}
        width={QR_SIZE}
        height={QR_SIZE}
        alt={label}
        draggable={false}
      />
    </div>
  );
}
