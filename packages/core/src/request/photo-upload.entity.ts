import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { GlobalIdEntity } from '../relay/node-entity.js';
import { Node } from '../relay/node.js';

/** The pictures the platform keeps, by the type their first bytes show. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/**
 * A picture uploaded to the platform (`POST /photos`), for a district with no storage of its own:
 * its bytes in the database (backed up with it), whose upload it was. Attached to a request by its
 * id (`addRequestPhoto(uploadId:)`, `submitRequest(input: { photoUploadIds })`), it is seen as
 * that request's photo; until then only by who uploaded it. An upload left unattached for a day
 * is deleted by core's hourly `left-uploads` task.
 */
@Entity({ tableName: 'photo_upload' })
@ObjectType({ implements: Node, description: 'A picture uploaded to this server (POST /photos), to attach to a request by its id.' })
export class PhotoUpload extends GlobalIdEntity<'ownerId' | 'createdAt'> {
  /** The person or API key that uploaded it (null once the person is erased). */
  @Property({ type: 'uuid', nullable: true })
  ownerId?: string | null;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'image/jpeg, image/png or image/webp, as its first bytes show.' })
  contentType!: PhotoType;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Its size in bytes.' })
  size!: number;

  /** The picture itself: never read with the row (only `GET /photos/…` reads it). */
  @Property({ type: 'blob', lazy: true })
  bytes?: Buffer;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  createdAt: Date = new Date();
}
