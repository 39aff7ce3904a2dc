import type { S3Client } from '@aws-sdk/client-s3';

/** The S3 requests the cleaner sends: the real S3Client, or a mock of it in tests. */
export type S3Send = Pick<S3Client, 'send'>;

/** Sends one request under the adapter's retry policy (throttling, 5xx, network failures). */
export type Retrying = <T>(action: string, send: () => Promise<T>) => Promise<T>;

/** Bucket and key prefix of an `s3://bucket/prefix/` location. */
export function parseS3Location(location: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (!match) throw new Error(`not an S3 location: ${location}`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/**
 * Deletes every object under a location, page by page (S3 lists and deletes at most 1,000 keys a request); returns
 * how many were deleted. The SDK module is loaded here, on first use: only a failed Athena write needs it.
 */
export async function deleteS3Prefix(s3: S3Send, location: string, retrying: Retrying): Promise<number> {
  const { ListObjectsV2Command, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  const { bucket, prefix } = parseS3Location(location);
  // A location is a build's own folder; an empty prefix would be the whole bucket.
  if (!prefix.endsWith('/') || prefix.length < 2)
    throw new Error(`refusing to delete ${location}: not a folder of its own`);
  let deleted = 0;
  let token: string | undefined;
  do {
    const pageToken = token;
    const page = await retrying(`listing the files under ${location}`, () =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: pageToken })),
    );
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
    if (keys.length > 0) {
      const answer = await retrying(`deleting the files under ${location}`, () =>
        s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } })),
      );
      const refused = answer.Errors ?? [];
      if (refused.length > 0)
        throw new Error(
          `S3 refused to delete ${refused.length} files, first ${refused[0]!.Key}: ${refused[0]!.Code} ${refused[0]!.Message}`,
        );
      deleted += keys.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return deleted;
}
