import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ description: 'username or email, case-insensitive', example: 'admin' })
  @IsString()
  @Length(1, 320)
  login!: string;

  @ApiProperty({ writeOnly: true })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ writeOnly: true })
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}
