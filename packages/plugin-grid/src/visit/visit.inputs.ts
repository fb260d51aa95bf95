import { Person, PhotoUpload, Place, type Ref, RefField, RequestKind, RequestPriority } from '@gongzhi/core';
import { Field, InputType } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';
import { GridVisitCheck } from './visit.entity.js';

@InputType({ description: 'A need or problem found during a visit; openRequest: true opens a request for it in the same step.' })
export class GridFindingInput {
  @Field(() => String)
  description!: string;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Open a request (channel HOUSEHOLD_VISIT) for this finding now.' })
  openRequest!: boolean;

  @Field(() => String, { nullable: true, description: "The request's title; defaults to the description's first 60 characters." })
  title?: string | null;

  @Field(() => RequestKind, { defaultValue: RequestKind.NEED })
  kind!: RequestKind;

  @Field(() => RequestPriority, { nullable: true })
  priority?: RequestPriority | null;

  @RefField(() => [PhotoUpload], {
    nullable: true,
    description: 'Pictures you uploaded (POST /photos), the photos of the request it opens (with openRequest: true): at most 9.',
  })
  photoUploadIds?: Ref<PhotoUpload>[] | null;
}

@InputType({ description: 'A household visit (入户走访) as the grid worker records it.' })
export class RecordGridVisitInput {
  @RefField(() => Place, { description: 'The household visited (a place of type HOUSEHOLD).' })
  householdId!: Ref<Place>;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, not in the future; defaults to today.' })
  visitedOn?: string | null;

  @RefField(() => [Person], {
    defaultValue: [],
    description: "The people met: the household's residents, or people of its community (neighbours, carers).",
  })
  metPersonIds!: Ref<Person>[];

  @Field(() => [GridVisitCheck], { defaultValue: [] })
  checks!: GridVisitCheck[];

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => [GridFindingInput], { defaultValue: [] })
  findings!: GridFindingInput[];
}

@InputType({ description: "Filters for household visits (the people's-conditions ledger, 民情账); all given filters must match." })
export class GridVisitFilter {
  @RefField(() => Grid, { nullable: true, description: 'Only visits to households the grid covers now.' })
  gridId?: Ref<Grid> | null;

  @RefField(() => Place, { nullable: true, description: 'Only visits to households at this place or under it.' })
  under?: Ref<Place> | null;

  @RefField(() => Person, { nullable: true, description: 'Only visits by this grid worker.' })
  workerId?: Ref<Person> | null;

  @Field(() => String, { nullable: true, description: 'Only visits on or after this day (YYYY-MM-DD).' })
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Only visits on or before this day (YYYY-MM-DD).' })
  to?: string | null;
}
