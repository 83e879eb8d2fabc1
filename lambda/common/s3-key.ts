/**
 * Decodes an object key from an S3 event notification: `+` is a space, `%XX` sequences are UTF-8
 * bytes. The order matters: replacing `+` after percent-decoding would turn an encoded `%2B`
 * (a real plus sign) into a space. Throws `URIError` on malformed percent-encoding.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function decodeS3Key(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
}
