import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Person } from '../person/person.entity.js';
import { Request } from './request.entity.js';
import { GlobalIdEntity } from '../relay/node-entity.js';
import { Node } from '../relay/node.js';

/**
 * A photo of a request (随手拍: the broken lamp as the resident saw it; 整改前/整改后: before and
 * after the repair): by its address in the district's own storage, or an upload the platform keeps
 * (`PhotoUpload`), shown by a signed link. Gongzhi keeps which, and who added it.
 */
@Entity({ tableName: 'request_photo' })
@ObjectType({ implements: Node, description: 'A photo of a request, with who added it and when.' })
export class RequestPhoto extends GlobalIdEntity<'at' | 'caption' | 'addedBy' | 'addedByLabel' | 'url' | 'uploadId'> {
  @ManyToOne(() => Request, { deleteRule: 'cascade' })
  request!: Request;

  /** Where the picture is (https), for a photo by address; `RequestPhoto.url` answers either kind. */
  @Property({ type: 'text', nullable: true })
  url?: string | null;

  /** The upload it shows (`PhotoUpload`), for a photo kept by the platform. */
  @Property({ type: 'uuid', nullable: true })
  uploadId?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'What it shows, e.g. 整改前 (before the repair) or 整改后 (after).' })
  caption?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null', fieldName: 'added_by_id' })
  @RelationField(() => Person, { nullable: true, rows: true, description: 'Who added it, when a signed-in person did.' })
  addedBy?: Person | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Who added it when it was not a signed-in person (an API key, an Open311 post).' })
  addedByLabel?: string | null;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  at!: Date;

  /** Insertion order, numbered by the database: photos added together share `at`. */
  @Property({ type: 'bigint', nullable: true })
  seq?: string;
}
